package sandbox

// RequestBody lets the external tests (package sandbox_test, which may import
// internal/testsupport) build a request body as the internal ones do: with the
// default account's authentication block and, unless req is nil, req as the
// DealerCustomerRequest.
var RequestBody = body
