# By Moka's DealerCustomerId:
terraform import moka_dealer_customer.ayse 1033

# Or by the dealer's customer code, prefixed with "code:":
terraform import moka_dealer_customer.ayse code:CUST-1001
