# Every customer of the dealer account.
data "moka_dealer_customers" "all" {}

output "customer_ids" {
  description = "Moka's DealerCustomerId of each customer, by customer code."
  value = {
    for customer in data.moka_dealer_customers.all.customers :
    customer.customer_code => customer.dealer_customer_id
  }
}
