# A CI test environment: the customers and stored cards that an application's
# integration tests need, provisioned before the tests and destroyed after.
# Point it at Moka's test environment (MOKA_ENVIRONMENT=test) or at the local
# sandbox (MOKA_BASE_URL=http://127.0.0.1:PORT); the credentials come from
# MOKA_DEALER_CODE, MOKA_USERNAME and MOKA_PASSWORD. Every customer code gets
# var.code_prefix (TF_VAR_code_prefix), so that pipelines can share an account.
terraform {
  # Card numbers are write-only attributes.
  required_version = ">= 1.11.0"
  required_providers {
    moka = {
      source  = "terraform-moka/moka"
      version = "~> 0.1"
    }
  }
}

provider "moka" {}

resource "moka_dealer_customer" "this" {
  for_each = var.customers

  customer_code = "${var.code_prefix}${each.key}"
  first_name    = each.value.first_name
  last_name     = each.value.last_name
  gender        = each.value.gender
  birth_date    = each.value.birth_date
  gsm_number    = each.value.gsm_number
  email         = each.value.email
  address       = each.value.address
}

resource "moka_card" "this" {
  for_each = var.cards

  customer_code          = moka_dealer_customer.this[each.value.customer_code].customer_code
  card_holder_full_name  = each.value.holder
  card_number_wo         = var.card_numbers[each.key]
  card_number_wo_version = each.value.number_version
  exp_month              = each.value.exp_month
  exp_year               = each.value.exp_year
  card_name              = each.value.name

  lifecycle {
    create_before_destroy = true
  }
}

# Read every customer back from Moka once its cards are stored, to report what
# Moka itself holds.
data "moka_dealer_customer" "this" {
  for_each = moka_dealer_customer.this

  customer_code = each.value.customer_code
  depends_on    = [moka_card.this]
}
