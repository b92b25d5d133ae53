"""Review language: tokenizing, lexicons, sentiment and aspects, in Chinese and English."""
