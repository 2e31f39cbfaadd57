import Store

StoreCommand.main()
