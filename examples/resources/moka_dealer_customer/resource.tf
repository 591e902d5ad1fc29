resource "moka_dealer_customer" "ayse" {
  customer_code = "CUST-1001"
  first_name    = "Ayşe"
  last_name     = "Yılmaz"
  gender        = "female"
  birth_date    = "1992-04-23"
  gsm_number    = "5321234567"
  email         = "ayse.yilmaz@example.com.tr"
  address       = "Caferağa Mah. Moda Cad. No:14, Kadıköy, İstanbul"
}
