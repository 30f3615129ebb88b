// Package golden is the golden-file check of the report packages' tests:
// output compared byte for byte with testdata, rewritten with -update.
package golden
