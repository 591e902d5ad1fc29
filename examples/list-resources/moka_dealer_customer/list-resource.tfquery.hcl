# In a .tfquery.hcl file, run by `terraform query` (Terraform 1.14+): the
# account's customers whose code starts with "CUST-". Leave the config block
# out to list every customer. With -generate-config-out=FILE, Terraform writes
# a resource block and an import block (by identity) for each one.
list "moka_dealer_customer" "all" {
  provider = moka

  config {
    customer_code_prefix = "CUST-"
  }
}
