# Terraform 1.12 and later: a customer's identity is its customer code.
import {
  to = moka_dealer_customer.ayse
  identity = {
    customer_code = "CUST-1001"
  }
}
