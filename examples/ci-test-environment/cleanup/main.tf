# Removes what a stopped run of the CI test environment left in Moka: every
# customer whose code starts with var.code_prefix, and with each customer the
# cards Moka holds for it. A run killed before its teardown (kill -9, a job
# timeout) leaves its customers behind; run this with that job's prefix:
#
#   export TF_VAR_code_prefix=ci-1234-
#   terraform init
#   terraform apply     # adopts them: imports only, nothing in Moka changes
#   terraform destroy   # removes them, and their cards
#
# Same provider settings as the module (MOKA_BASE_URL or MOKA_ENVIRONMENT, and
# the credentials).
terraform {
  # import blocks with for_each
  required_version = ">= 1.7.0"
  required_providers {
    moka = {
      source  = "terraform-moka/moka"
      version = "~> 0.1"
    }
  }
}

provider "moka" {}

variable "code_prefix" {
  description = "The code_prefix of the run whose customers to remove."
  type        = string

  validation {
    # "" would match every customer of the account.
    condition     = length(var.code_prefix) > 0
    error_message = "code_prefix must not be empty: it names the customers to remove, and an empty one names them all."
  }
}

data "moka_dealer_customers" "all" {}

locals {
  leftover = toset([
    for c in data.moka_dealer_customers.all.customers : c.customer_code
    if startswith(c.customer_code, var.code_prefix)
  ])
}

import {
  for_each = local.leftover
  to       = moka_dealer_customer.leftover[each.key]
  id       = "code:${each.key}"
}

resource "moka_dealer_customer" "leftover" {
  for_each      = local.leftover
  customer_code = each.key

  # Adopted only to be destroyed: what Moka holds is not changed first.
  lifecycle {
    ignore_changes = all
  }
}

output "customers" {
  description = "The customers this configuration removes on destroy."
  value       = sort(tolist(local.leftover))
}
