variable "code_prefix" {
  description = "Put before every customer code this module creates (set it with TF_VAR_code_prefix). Pipelines that share one dealer account each need their own, such as the CI job's id: two customers cannot have the same code. Default: none."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = length(var.code_prefix) <= 50
    error_message = "code_prefix must be at most 50 characters, so that a customer code with it stays within Moka's 100."
  }
}

variable "customers" {
  description = "The test customers, by customer code (without var.code_prefix, which every code gets)."
  type = map(object({
    first_name = string
    last_name  = string
    gender     = optional(string)
    birth_date = optional(string)
    gsm_number = optional(string)
    email      = optional(string)
    address    = optional(string)
  }))
}

variable "cards" {
  description = "The cards to store, by a key of your choice; customer_code names one of var.customers. The numbers are in var.card_numbers under the same keys."
  type = map(object({
    customer_code  = string
    holder         = string
    exp_month      = string
    exp_year       = string
    name           = optional(string)
    number_version = optional(number, 1)
  }))
  default = {}

  validation {
    condition     = alltrue([for card in values(var.cards) : contains(keys(var.customers), card.customer_code)])
    error_message = "Every card's customer_code must be one of the customer codes in var.customers."
  }
}

variable "card_numbers" {
  description = "The card numbers, under the keys of var.cards. Ephemeral and write-only: never stored in plan or state."
  type        = map(string)
  sensitive   = true
  ephemeral   = true
  default     = {}
}
