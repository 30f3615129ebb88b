// Package output writes report files so that no reader sees one torn: each
// file through a temporary file and a rename, and a command's whole set of
// reports replacing the set an earlier run left in its --out folder.
package output
