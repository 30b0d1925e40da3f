// Built from chapters/08-two-vanilla-architectures.md: the Tangle plugin generates this target's main.swift.
