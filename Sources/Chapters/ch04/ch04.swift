// Built from chapters/04-backpropagation-through-time.md: the Tangle plugin generates this target's main.swift.
