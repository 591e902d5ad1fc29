# The cards stored for one customer (terraform query, Terraform 1.14+). Without
# the config block, every customer's cards: one GetCardList call per customer.
list "moka_card" "elif" {
  provider = moka

  config {
    customer_code = "CUST-0001"
  }
}
