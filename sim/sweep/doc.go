// Package sweep replays scenarios over a grid of Canary settings and many
// seeds, so a user can see how often a policy catches a bad release, how
// often it rolls back a good one, and how fast it decides.
//
// Its data is the reports' sweep model (sweepreport.Result and the types
// it holds), used as it is: a result goes to the writers, and a shard's
// sweep.json comes back, without conversion.
package sweep
