import {
  to = moka_card_name.elif_bonus
  id = "{51937236-82E0-4637-A8F5-2E1EC56EC870}"
}
