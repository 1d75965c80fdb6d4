from screener._entry import main

main()
