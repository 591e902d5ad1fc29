# Production, with every setting in the configuration. The API password comes
# from an ephemeral variable (for example TF_VAR_moka_api_password in CI):
# ephemeral keeps it out of saved plans (terraform plan -out) and state, where
# a variable that is only sensitive is written in full. A saved plan is then
# applied with the variable set again.
#
# Terraform before 1.10 has no ephemeral variables: leave password out of the
# block and set MOKA_PASSWORD instead, which no plan or state holds.
variable "moka_api_password" {
  description = "API password of the Moka dealer account."
  type        = string
  sensitive   = true
  ephemeral   = true
}

provider "moka" {
  environment     = "production"
  dealer_code     = "1731"
  username        = "anadolu-kirtasiye-api"
  password        = var.moka_api_password
  max_retries     = 5
  request_timeout = "45s"
}
