# Name a card that the customer saved at checkout (Moka gave its token to the
# shop then). Destroy gives the card back the name it had before; the card
# itself is never removed.
resource "moka_card_name" "elif_bonus" {
  card_token = "51937236-82e0-4637-a8f5-2e1ec56ec870"
  card_name  = "Bonus kartım"
}

output "elif_bonus_card" {
  description = "The named card: bank, masked number and expiry."
  value       = "${moka_card_name.elif_bonus.card_name}: ${moka_card_name.elif_bonus.bank_name} ${moka_card_name.elif_bonus.card_number_first_six}******${moka_card_name.elif_bonus.card_number_last_four}, ${moka_card_name.elif_bonus.exp_month}/${moka_card_name.elif_bonus.exp_year}"
}
