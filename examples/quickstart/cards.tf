# A stored card for Elif. The card number is write-only (Terraform 1.11+): it is
# sent to Moka once and appears in no plan, state file or log. This one is a
# Moka test card; the sandbox accepts it.
variable "elif_card_number" {
  description = "Elif's card number. Write-only: never stored in state."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = "5127541122223332"
}

resource "moka_card" "elif_bonus" {
  customer_code          = moka_dealer_customer.elif.customer_code
  card_holder_full_name  = "Elif Yetimoğlu"
  card_number_wo         = var.elif_card_number
  card_number_wo_version = 1
  exp_month              = "12"
  exp_year               = "2030"
  card_name              = "Bonus kartım"

  lifecycle {
    create_before_destroy = true
  }
}

# Everything Moka knows of Elif, cards included, read back through the data source.
data "moka_dealer_customer" "elif" {
  customer_code = moka_dealer_customer.elif.customer_code
  depends_on    = [moka_card.elif_bonus]
}

output "elif_cards" {
  description = "Elif's stored cards as Moka lists them (never the full number)."
  value = [for c in data.moka_dealer_customer.elif.cards :
    "${c.card_name}: ${c.bank_name} ${c.card_number_first_six}******${c.card_number_last_four}, ${c.exp_month}/${c.exp_year}"
  ]
}
