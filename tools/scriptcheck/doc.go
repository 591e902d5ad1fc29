// Package scriptcheck holds checks of the project's shell scripts and make
// recipes that no shell linter here makes.
package scriptcheck
