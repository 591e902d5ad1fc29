terraform {
  required_version = ">= 1.5.0"
  required_providers {
    moka = {
      source  = "terraform-moka/moka"
      version = "~> 0.1"
    }
  }
}

# Moka's test environment (https://service.refmokaunited.com). The dealer code,
# API username and API password come from MOKA_DEALER_CODE, MOKA_USERNAME and
# MOKA_PASSWORD, so that no credential is written in the configuration.
provider "moka" {
  environment = "test"
}
