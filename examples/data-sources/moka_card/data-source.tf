# A stored card and its customer, by token (case and braces do not matter).
data "moka_card" "bonus" {
  card_token = "51937236-82e0-4637-a8f5-2e1ec56ec870"
}

output "bonus_card_expires" {
  description = "When the card expires, as MM/YYYY."
  value       = "${data.moka_card.bonus.exp_month}/${data.moka_card.bonus.exp_year}"
}
