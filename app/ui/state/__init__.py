"""UI state: observable dataclasses with verb methods; they call the store and the sync client."""
