"""detente.text"""
