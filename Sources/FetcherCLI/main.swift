import Fetcher

FetcherCommand.main()
