# The card number is write-only (Terraform 1.11 and later): it is sent to Moka
# once and appears in no plan, state file or log. Moka keeps only its first six
# and last four digits. The default here is one of Moka's test cards; give a
# real number through TF_VAR_zeynep_card_number.
variable "zeynep_card_number" {
  description = "Zeynep's card number, digits only."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = "4531441122223338"
}

resource "moka_dealer_customer" "zeynep" {
  customer_code = "CUST-1003"
  first_name    = "Zeynep"
  last_name     = "Kaya"
  email         = "zeynep.kaya@example.com.tr"
}

resource "moka_card" "zeynep_maas" {
  customer_code          = moka_dealer_customer.zeynep.customer_code
  card_holder_full_name  = "Zeynep Kaya"
  card_number_wo         = var.zeynep_card_number
  card_number_wo_version = 1
  exp_month              = "12"
  exp_year               = "2030"
  card_name              = "Maaş kartım"

  # A new number, holder or expiry stores a new card: store it before the old
  # one is removed.
  lifecycle {
    create_before_destroy = true
  }

  timeouts {
    create = "2m"
    delete = "2m"
  }
}

output "zeynep_card" {
  description = "The stored card as Moka shows it: never the full number."
  value       = "${moka_card.zeynep_maas.bank_name} ${moka_card.zeynep_maas.card_number_first_six}******${moka_card.zeynep_maas.card_number_last_four}"
}
