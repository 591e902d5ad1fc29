# Production, with every setting in the configuration. The API password comes
# from a sensitive variable (for example TF_VAR_moka_api_password in CI).
variable "moka_api_password" {
  description = "API password of the Moka dealer account."
  type        = string
  sensitive   = true
}

provider "moka" {
  environment     = "production"
  dealer_code     = "1731"
  username        = "anadolu-kirtasiye-api"
  password        = var.moka_api_password
  max_retries     = 5
  request_timeout = "45s"
}
