# By card token; case and braces do not matter. The name the card has at import
# is the one destroy gives back.
terraform import moka_card_name.elif_bonus 51937236-82e0-4637-a8f5-2e1ec56ec870
