from screener._main import main

main()
