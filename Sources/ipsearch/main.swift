print("ipsearch")
