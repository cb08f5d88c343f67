"""The game itself: state, valuation, economy, the Mesa agents and model, and the phases of a round."""
