# The card number cannot be imported (Moka never returns it): keep
# card_number_wo in the configuration, and set card_number_wo_version, which
# replaces nothing the first time it is set.
import {
  to = moka_card.zeynep_maas
  id = "51937236-82e0-4637-a8f5-2e1ec56ec870"
}
