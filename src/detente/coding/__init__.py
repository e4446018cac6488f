"""detente.coding"""
