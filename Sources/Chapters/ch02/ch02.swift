// Built from chapters/02-matrices-in-swift.md: the Tangle plugin generates this target's main.swift.
