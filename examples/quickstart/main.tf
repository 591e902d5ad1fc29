# The quickstart that `make demo` applies against the local sandbox. The provider
# reads its settings from MOKA_BASE_URL, MOKA_DEALER_CODE, MOKA_USERNAME and
# MOKA_PASSWORD, which the demo sets to the sandbox it starts.
terraform {
  required_version = ">= 1.5.0"
  required_providers {
    moka = {
      source = "terraform-moka/moka"
    }
  }
}

provider "moka" {}

resource "moka_dealer_customer" "elif" {
  customer_code = "CUST-0001"
  first_name    = "Elif"
  last_name     = "Yetimoğlu"
  gender        = "female"
  birth_date    = "1990-12-18"
  gsm_number    = "5301111111"
  email         = "elif.y@example.com"
  address       = "Taşdelen Mah. Sırrı Çelik Blv. No:12, Çekmeköy, İstanbul"
}

resource "moka_dealer_customer" "mehmet" {
  customer_code = "CUST-0002"
  first_name    = "Mehmet"
  last_name     = "Öztürk"
  gender        = "male"
  birth_date    = "1985-07-10"
  gsm_number    = "5322222222"
  email         = "mehmet.ozturk@example.com"
  address       = "Kızılay Mah. Atatürk Blv. No:5, Çankaya, Ankara"
}

output "customers" {
  description = "Moka's id of each customer, by customer code."
  value = {
    (moka_dealer_customer.elif.customer_code)   = moka_dealer_customer.elif.dealer_customer_id
    (moka_dealer_customer.mehmet.customer_code) = moka_dealer_customer.mehmet.dealer_customer_id
  }
}
