# Terraform 1.12 and later: by the card's token, as the card_token argument
# spells it (case and braces do not matter to Moka).
import {
  to = moka_card_name.elif_bonus
  identity = {
    card_token = "51937236-82e0-4637-a8f5-2e1ec56ec870"
  }
}
