public enum FetcherPlaceholder {}
