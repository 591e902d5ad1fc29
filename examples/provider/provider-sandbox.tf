# The local sandbox that ships with the provider:
#   terraform-provider-moka sandbox --listen 127.0.0.1:8089
# Its account is SANDBOX / sandbox / sandbox. Plain http:// is accepted only for
# loopback addresses such as this one.
provider "moka" {
  base_url    = "http://127.0.0.1:8089"
  dealer_code = "SANDBOX"
  username    = "sandbox"
  password    = "sandbox"
}
