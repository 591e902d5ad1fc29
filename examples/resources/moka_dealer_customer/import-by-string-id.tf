# "<DealerCustomerId>" such as "1033", or "code:<CustomerCode>".
import {
  to = moka_dealer_customer.ayse
  id = "code:CUST-1001"
}
