# The customer's own password (the PIN asked when a stored card is charged) as a
# write-only attribute: sent to Moka, never stored in plan or state. Needs
# Terraform 1.11 or later. Bump password_wo_version to send a new one.
variable "burak_password" {
  description = "Burak's Moka customer password."
  type        = string
  sensitive   = true
  ephemeral   = true
}

resource "moka_dealer_customer" "burak" {
  customer_code       = "CUST-1002"
  first_name          = "Burak"
  last_name           = "Şahin"
  gender              = "male"
  birth_date          = "1987-11-02"
  gsm_number          = "5339876543"
  email               = "burak.sahin@example.com.tr"
  address             = "Kızılay Mah. Atatürk Blv. No:101, Çankaya, Ankara"
  password_wo         = var.burak_password
  password_wo_version = 1

  timeouts {
    create = "2m"
    update = "2m"
  }
}
