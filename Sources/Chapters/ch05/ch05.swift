// Built from chapters/05-batching-text.md: the Tangle plugin generates this target's main.swift.
