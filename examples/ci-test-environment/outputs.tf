output "customer_codes" {
  description = "Each test customer's code in Moka (with var.code_prefix), by its key in var.customers."
  value       = { for key, customer in moka_dealer_customer.this : key => customer.customer_code }
}

output "customer_ids" {
  description = "Moka's DealerCustomerId of each test customer, by its key in var.customers."
  value       = { for code, customer in moka_dealer_customer.this : code => customer.dealer_customer_id }
}

output "cards" {
  description = "Each stored card's token (what the application charges) and what Moka shows of it, by the keys of var.cards."
  value = {
    for key, card in moka_card.this : key => {
      token         = card.card_token
      customer_code = card.customer_code
      bank_name     = card.bank_name
      first_six     = card.card_number_first_six
      last_four     = card.card_number_last_four
      name          = card.card_name
    }
  }
}

output "card_counts" {
  description = "How many cards Moka holds for each test customer, read back after the cards were stored, by its key in var.customers."
  value       = { for code, customer in data.moka_dealer_customer.this : code => length(customer.cards) }
}
