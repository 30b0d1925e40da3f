// Built from chapters/A-making-it-fast.md: the Tangle plugin generates this target's main.swift.
