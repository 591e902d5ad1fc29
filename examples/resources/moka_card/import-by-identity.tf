# Terraform 1.12 and later: a card's identity is its token. An imported card
# needs no card_number_wo until it is replaced.
import {
  to = moka_card.zeynep_maas
  identity = {
    card_token = "51937236-82e0-4637-a8f5-2e1ec56ec870"
  }
}
