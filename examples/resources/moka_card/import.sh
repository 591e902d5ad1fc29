# By card token; case and braces do not matter.
terraform import moka_card.zeynep_maas 51937236-82e0-4637-a8f5-2e1ec56ec870
