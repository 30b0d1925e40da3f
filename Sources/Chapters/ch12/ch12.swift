// Built from chapters/12-a-real-character-model.md: the Tangle plugin generates this target's main.swift.
