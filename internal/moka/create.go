package moka

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Creating without adopting.
//
// Moka's AddCustomer and AddCard take no idempotency key. A create whose answer
// is lost may or may not have stored the object, and looking afterwards for an
// object "like the one sent" cannot tell it apart from one that was there
// before, or that another client (a second Terraform state, the dealer's
// application) stored meanwhile with the same values: value equality is no
// proof of ownership.
//
// So every create carries a claim: a random marker written into one free-text
// field (a customer's Address, FirstName or LastName, a card's CardName) that
// nobody else can have written. After an answer is lost, the object carrying this create's claim is
// the one it made, and nothing else ever is. Once the create's answer is in
// hand, a second call (UpdateCustomer, UpdateCard) writes the field's real
// value: two calls per create, the price of never adopting what is not ours.
//
// The remaining windows, both documented on the resources:
//   - an object whose create lost every answer keeps its claim until the next
//     refresh finds it; if someone rewrites that field before then, it can no
//     longer be proven ours and is left alone (the warning names it);
//   - an attempt that lands later than the looks that follow it (a request Moka
//     held longer than request_timeout and then some) is a pending record, so
//     the next refresh looks again; one that lands after that leaves an object
//     carrying a claim that no state records. Its claim says when it was
//     written.

// A claim is "<16 hex digits> tfmoka <UTC time, YYYYMMDDhhmmss>", 38
// characters. Each part answers a way a Moka may store text:
//   - the random part comes first, so that a Moka that cuts text (to 40
//     characters, or fewer) still keeps what proves the object ours;
//   - it is matched ignoring case and blanks, so that a Moka that stores text
//     in capitals still gives it back as ours;
//   - "tfmoka" tells a person who sees it in Moka's panel what wrote it;
//   - the time tells an abandoned claim (a killed apply, a write that landed
//     late) from one whose create may still be running.
const (
	claimRandomDigits = 16
	claimMarker       = "tfmoka"
	claimTimeLayout   = "20060102150405"
	// legacyClaimPrefix started the claims of earlier builds, whose random
	// part came last: such a claim is recognised, and matched only whole.
	legacyClaimPrefix = "terraform-provider-moka create "
)

// ClaimMayBeRunningFor is how long after its claim was written a create may
// still be running somewhere: the provider's default create timeout with a
// margin. An object carrying an older claim that no state records was left
// by a create that ended without settling it.
const ClaimMayBeRunningFor = 10 * time.Minute

var claimPattern = regexp.MustCompile(`^[0-9a-f]{16} ` + claimMarker + `(?: ([0-9]{14}))?`)

// NewClaim is a fresh claim written now.
func NewClaim() string { return newClaimAt(time.Now()) }

func newClaimAt(t time.Time) string {
	var b [claimRandomDigits / 2]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand does not fail on the platforms Go supports.
		panic(fmt.Sprintf("moka: no randomness for a create claim: %v", err))
	}
	return hex.EncodeToString(b[:]) + " " + claimMarker + " " + t.UTC().Format(claimTimeLayout)
}

func claimForm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// IsClaim reports whether a field holds a create's claim (whole, cut after
// its marker, or in another case) rather than a value a person gave it.
func IsClaim(s string) bool {
	f := claimForm(s)
	return claimPattern.MatchString(f) || strings.HasPrefix(f, legacyClaimPrefix)
}

// ClaimWritten is when the claim in s was written; ok is false when s holds
// no claim or its time was cut off.
func ClaimWritten(s string) (written time.Time, ok bool) {
	m := claimPattern.FindStringSubmatch(claimForm(s))
	if m == nil || m[1] == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(claimTimeLayout, m[1])
	return t, err == nil
}

// ClaimAbandoned reports whether the claim in s is old enough that no create
// can still be running for it (or says nothing of its time).
func ClaimAbandoned(s string, now time.Time) bool {
	written, ok := ClaimWritten(s)
	// A time ahead of now (beyond clock skew) no create wrote: the text
	// only looks like a claim, and no create is waiting for it.
	return !ok || now.Sub(written) >= ClaimMayBeRunningFor || written.After(now.Add(time.Minute))
}

// HoldsClaim reports whether a field holds this claim, as Moka may give it
// back: in another case, or cut short but with its whole random part.
func HoldsClaim(field, claim string) bool {
	f, c := claimForm(field), claimForm(claim)
	if c == "" || f == "" {
		return false
	}
	if strings.HasPrefix(c, legacyClaimPrefix) {
		return f == c
	}
	return len(f) >= claimRandomDigits && strings.HasPrefix(c, f)
}

// UncertainError is a create that may have stored its object although the
// call failed, and whose claim could not be looked for afterwards (Moka did not
// answer, or the context ended): the next look for Claim settles it.
type UncertainError struct {
	Err   error
	Claim string
}

func (e *UncertainError) Error() string { return e.Err.Error() }

func (e *UncertainError) Unwrap() error { return e.Err }

// PendingClaim returns the claim of an UncertainError in err's chain, or "".
func PendingClaim(err error) string {
	var u *UncertainError
	if errors.As(err, &u) {
		return u.Claim
	}
	return ""
}

// UnfinishedError is a create that made its object (it is ours, and its id is
// known) but could not write the claimed field's real value afterwards: Moka
// still holds the claim there until the next update.
type UnfinishedError struct {
	Err error
}

func (e *UnfinishedError) Error() string {
	return fmt.Sprintf("%v (the object was created; one of its fields still holds the create's claim)", e.Err)
}

func (e *UnfinishedError) Unwrap() error { return e.Err }

// IsUnfinished reports whether err is an UnfinishedError.
func IsUnfinished(err error) bool {
	var u *UnfinishedError
	return errors.As(err, &u)
}

// ClaimKeptError is a create that made its object but whose claim Moka kept
// in Field after the finishing write asked for the field to be empty: this
// Moka neither clears a field sent as "" nor as null. The object is ours; the
// field will hold the claim until it is given a value.
type ClaimKeptError struct {
	Field string
	Claim string
}

func (e *ClaimKeptError) Error() string {
	return fmt.Sprintf("Moka kept the create's claim in %s although it was asked to empty it (sent as \"\" and as null)", e.Field)
}

// KeptClaim returns the ClaimKeptError in err's chain, or nil.
func KeptClaim(err error) *ClaimKeptError {
	var k *ClaimKeptError
	if errors.As(err, &k) {
		return k
	}
	return nil
}

// claimedCreate is one create's steps, for createClaimed.
type claimedCreate[T any] struct {
	operation string
	claim     string
	// add makes one attempt of the create, carrying the claim.
	add func(ctx context.Context) (T, callResult, error)
	// find looks for the object carrying the claim.
	find func(ctx context.Context) (found T, seen sighting, err error)
	// taken, when set, turns an answer saying the object cannot be created
	// because another holds its unique key into the error to return, once
	// find has shown that the other is not ours.
	taken func(ctx context.Context, err error) error
}

// sighting is what a look for a claim saw.
type sighting int

const (
	// seenNothing: no object carries the claim, and none holds the key.
	seenNothing sighting = iota
	// seenOurs: the object carrying the claim.
	seenOurs
	// seenOther: another object holds the key the create needs (a customer
	// code); this create can no longer store its own.
	seenOther
)

// createClaimed runs a create that never adopts what it did not make: an
// attempt, and after any attempt whose fate is unknown a look for the claim
// before anything else. An object carrying the claim is returned as made; an
// answer that the key is taken, with nothing carrying the claim, is the
// other's (taken); a look that finds nothing lets the next attempt go (for
// AddCard a blind second attempt could store a second card). When no look
// could be made, the error is an *UncertainError with the claim.
func createClaimed[T any](ctx context.Context, c *Client, op claimedCreate[T]) (T, error) {
	var zero T
	uncertain, timedOut := false, false
	for round := 0; ; round++ {
		made, res, err := op.add(ctx)
		if err == nil {
			return made, nil
		}
		isTaken := op.taken != nil && isCodeTaken(err)
		uncertain = uncertain || res.uncertain
		timedOut = timedOut || (res.uncertain && errors.Is(err, context.DeadlineExceeded))
		if uncertain {
			found, seen, ferr := lookForClaim(ctx, c, op, err)
			if ferr != nil {
				return zero, &UncertainError{Claim: op.claim, Err: fmt.Errorf("%w; it may have been stored, and looking for it failed: %w", err, ferr)}
			}
			switch seen {
			case seenOurs:
				return found, nil
			case seenOther:
				isTaken = op.taken != nil
			}
		}
		if isTaken {
			return zero, op.taken(ctx, err)
		}
		retryable, _ := Classify(err)
		if !retryable || round >= c.maxRetries || ctx.Err() != nil {
			if timedOut {
				// An attempt that Moka may still have been working on when
				// it timed out can land after the looks that did not see it:
				// only a later look settles it.
				return zero, &UncertainError{Claim: op.claim, Err: fmt.Errorf("%w; it may have been stored, and no look since has found it yet", attemptsError(err, round+1))}
			}
			return zero, attemptsError(err, round+1)
		}
		if serr := sleep(ctx, c.backoff(round, err)); serr != nil {
			if uncertain {
				return zero, &UncertainError{Claim: op.claim, Err: fmt.Errorf("moka %s: %w while waiting to retry after: %v", op.operation, serr, err)} //nolint:errorlint // the wait's end is the cause
			}
			return zero, fmt.Errorf("moka %s: %w while waiting to retry after: %v", op.operation, serr, err) //nolint:errorlint // the wait's end is the cause
		}
	}
}

// lookForClaim is op.find after an attempt that failed with err and may have
// stored the object, with the client's retry budget for the look itself. An
// attempt that timed out may still be running at Moka, so the first look waits
// a little, and an empty first look is repeated once after a further
// request_timeout: only a write landing later than that goes unseen.
func lookForClaim[T any](ctx context.Context, c *Client, op claimedCreate[T], err error) (T, sighting, error) {
	var zero T
	looks := 1
	if errors.Is(err, context.DeadlineExceeded) {
		looks = 2
		if serr := sleep(ctx, c.backoff(0, err)); serr != nil {
			return zero, seenNothing, serr
		}
	}
	for look := 1; ; look++ {
		found, seen, ferr := op.find(ctx)
		if ferr != nil || seen != seenNothing || look >= looks {
			return found, seen, ferr
		}
		if serr := sleep(ctx, c.timeout); serr != nil {
			return zero, seenNothing, serr
		}
	}
}

// attemptsError says how many attempts a call made before it gave up, when
// it made more than one.
func attemptsError(err error, attempts int) error {
	if attempts <= 1 {
		return err
	}
	return fmt.Errorf("%w (gave up after %d attempts)", err, attempts)
}
