"""Pure domain code: no Flask, no database. Plain values in, plain values out."""
