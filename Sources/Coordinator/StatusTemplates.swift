import Mustache

/// The status page's Mustache templates. They live in the binary, not in files beside it, so an
/// installed `coordinator` needs nothing else to serve its page.
enum StatusTemplates {
    static func library() -> MustacheLibrary {
        var library = MustacheLibrary()
        do {
            try library.register(style, named: "style")
            try library.register(login, named: "login")
            try library.register(status, named: "status")
        } catch {
            // The templates are constants of this file; StatusPageTests renders each one.
            fatalError("a status page template does not parse: \(error)")
        }
        return library
    }

    static let style = """
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; background: #fafafa; }
        h1 { font-size: 1.4em; margin: 0 0 .2em; } h2 { font-size: 1.1em; margin: 1.6em 0 .4em; }
        table { border-collapse: collapse; background: #fff; } th, td { padding: .25em .6em; border-bottom: 1px solid #e4e4e4; text-align: left; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
        .muted { color: #777; } .alarm { color: #b00020; font-weight: 600; } .dead { color: #b00020; }
        .error { max-width: 48em; overflow-wrap: anywhere; } .url { max-width: 36em; overflow-wrap: anywhere; }
        svg polyline { fill: none; stroke: #2b6cb0; stroke-width: 1.5; } button { cursor: pointer; }
        header { display: flex; justify-content: space-between; align-items: baseline; }
        </style>
        """

    static let login = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Wireroom — log in</title>{{> style}}</head>
        <body><h1>Wireroom</h1>
        <p>The status page of this coordinator. Log in with its API token (the file given to <code>coordinator serve --token-file</code>).</p>
        {{#message}}<p class="alarm" id="login-error">{{message}}</p>{{/message}}
        <form method="post" action="/login"><label>Token <input type="password" name="token" id="token" autocomplete="current-password" required></label>
        <button type="submit" id="login">Log in</button></form>
        </body></html>
        """

    static let status = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="{{refreshSeconds}}">
        <title>Wireroom — status</title>{{> style}}</head>
        <body>
        <header><div><h1>Wireroom</h1><div class="muted">queue {{database}} · {{generatedAt}} · refreshes every {{refreshSeconds}} s</div></div>
        <form method="post" action="/logout"><button type="submit">Log out</button></form></header>

        <h2>Stages <span class="muted">({{openJobs}} jobs open)</span></h2>
        <table id="stages"><tr><th>stage</th><th class="n">queued</th><th class="n">scheduled</th><th class="n">leased</th><th class="n">retry</th>
        <th class="n">done</th><th class="n">dead</th><th class="n">done/s 1m</th><th class="n">done/s 15m</th><th class="n">fail/s 15m</th>
        <th class="n">workers</th><th>finished per minute, last hour</th></tr>
        {{#stages}}<tr data-stage="{{name}}"><td>{{name}}</td><td class="n" data-state="queued">{{queued}}</td><td class="n" data-state="scheduled">{{scheduled}}</td>
        <td class="n" data-state="leased">{{leased}}</td><td class="n" data-state="retry">{{retry}}</td><td class="n" data-state="done">{{done}}</td>
        <td class="n dead" data-state="dead">{{dead}}</td><td class="n">{{donePerSecond1m}}</td><td class="n">{{donePerSecond15m}}</td>
        <td class="n">{{failedPerSecond15m}}</td><td class="n" data-live-workers>{{liveWorkers}}</td>
        <td><svg width="120" height="24" role="img" aria-label="peak {{peakPerMinute}} a minute"><polyline points="{{sparkline}}"/></svg>
        <span class="muted">peak {{peakPerMinute}}/min</span></td></tr>
        {{/stages}}</table>

        <h2>Live workers</h2>
        {{^workers}}<p class="muted">none in the last minute</p>{{/workers}}
        {{^empty(workers)}}<table id="workers"><tr><th>worker</th><th>stage</th><th>host</th><th class="n">pid</th><th>last seen</th></tr>
        {{#workers}}<tr><td>{{id}}</td><td>{{stage}}</td><td>{{hostname}}</td><td class="n">{{pid}}</td><td>{{lastSeen}}</td></tr>
        {{/workers}}</table>{{/empty(workers)}}

        <h2>Hosts <span class="muted">(drift alarms first; extraction over 24 h)</span></h2>
        <table id="hosts"><tr><th>host</th><th class="n">delay</th><th class="n">at once</th><th class="n">queued</th><th class="n">leased</th>
        <th class="n">pages</th><th class="n">short bodies</th><th class="n">median body</th><th>alarm</th></tr>
        {{#hosts}}<tr data-host="{{name}}"><td>{{name}}{{#paused}} <span class="alarm">paused</span>{{/paused}}</td><td class="n">{{delay}}</td>
        <td class="n">{{concurrency}}</td><td class="n">{{queued}}</td><td class="n">{{leased}}</td><td class="n">{{pages}}</td>
        <td class="n">{{shortBody}}</td><td class="n">{{medianBody}}</td><td class="alarm">{{alarm}}</td></tr>
        {{/hosts}}</table>

        <h2>Top errors <span class="muted">(last hour)</span></h2>
        {{^errors}}<p class="muted">none</p>{{/errors}}
        {{^empty(errors)}}<table id="errors"><tr><th>class</th><th class="n">tries</th><th>example</th></tr>
        {{#errors}}<tr><td>{{errorClass}}</td><td class="n">{{count}}</td><td class="error">{{example}}</td></tr>
        {{/errors}}</table>{{/empty(errors)}}

        <h2>Dead jobs <span class="muted">({{deadTotal}}; the latest 20)</span></h2>
        {{^deadJobs}}<p class="muted">none</p>{{/deadJobs}}
        {{^empty(deadJobs)}}<form method="post" action="/status/retry"><input type="hidden" name="all" value="dead">
        <button type="submit" id="retry-all">Retry all dead jobs</button></form>
        <table id="dead"><tr><th class="n">job</th><th>stage</th><th>URL</th><th>last error</th><th>when</th><th></th></tr>
        {{#deadJobs}}<tr data-job="{{id}}"><td class="n">{{id}}</td><td>{{stage}}</td><td class="url">{{url}}</td><td class="error">{{error}}</td>
        <td>{{updated}}</td><td><form method="post" action="/status/retry"><input type="hidden" name="job" value="{{id}}"><button type="submit">Retry</button></form></td></tr>
        {{/deadJobs}}</table>{{/empty(deadJobs)}}

        <h2>Latest stored articles</h2>
        {{^articles}}<p class="muted">no article database beside this queue yet</p>{{/articles}}
        {{#articles}}<p id="article-counts"><span data-articles>{{articles}}</span> articles, <span data-duplicates>{{duplicates}}</span> of them copies,
        <span data-stories>{{clusters}}</span> stories, <span data-events-across-languages>{{eventsAcrossLanguages}}</span> events reported in more than one language</p>
        <table id="articles"><tr><th class="n">id</th><th>headline</th><th>site</th><th>language</th><th>stored</th><th>copy of</th></tr>
        {{#latest}}<tr><td class="n">{{id}}</td><td><a href="{{url}}" rel="noreferrer">{{title}}</a></td><td>{{site}}</td><td>{{language}}</td>
        <td>{{stored}}</td><td class="n">{{copyOf}}</td></tr>
        {{/latest}}</table>{{/articles}}
        </body></html>
        """
}
