# A customer and the cards stored for it, by customer code (or by
# dealer_customer_id).
data "moka_dealer_customer" "elif" {
  customer_code = "CUST-0001"
}

output "elif_cards" {
  description = "Elif's stored cards, by name."
  value = {
    for card in data.moka_dealer_customer.elif.cards :
    card.card_name => "${card.bank_name} ${card.card_number_first_six}******${card.card_number_last_four}"
  }
}
