// detente dashboard charts: reads the page's JSON block and draws it with plotly.js.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Plotly === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var config = { displaylogo: false, responsive: true };
  var QUAD_COLOURS = { 1: "#2e7d32", 2: "#66bb6a", 3: "#ef6c00", 4: "#c62828" };
  var BAND_COLOURS = {};
  (data.bands || []).forEach(function (b) { BAND_COLOURS[b.name] = b.colour; });
  var MAX_NODES = 40;
  // Period labels: months and quarters by month, weeks and days by day.
  var DATE_AXIS = { type: "date",
    tickformat: data.freq === "week" || data.freq === "day" ? "%d %b %Y" : "%b %Y" };
  if (data.freq === "month" || data.freq === "quarter") {
    DATE_AXIS.dtick = data.freq === "month" ? "M1" : "M3";
    DATE_AXIS.tick0 = (data.series && data.series.length) ? data.series[0].period : undefined;
  }

  function drawGraph(el, graph) {
    // Busiest actors on a circle, busiest first; edges among them coloured by index band.
    var nodes = graph.nodes.slice().sort(function (x, y) { return y.events - x.events; })
      .slice(0, MAX_NODES);
    var at = {};
    nodes.forEach(function (n, i) {
      var angle = 2 * Math.PI * i / nodes.length;
      at[n.id] = [Math.cos(angle), Math.sin(angle)];
    });
    var edges = graph.edges.filter(function (e) { return at[e.a] && at[e.b]; });
    var most = Math.max.apply(null, edges.map(function (e) { return e.events; }).concat([1]));
    var traces = edges.map(function (e) {
      return {
        type: "scatter", mode: "lines", hoverinfo: "skip", showlegend: false,
        x: [at[e.a][0], at[e.b][0]], y: [at[e.a][1], at[e.b][1]],
        line: { width: 1 + 7 * Math.sqrt(e.events / most), color: BAND_COLOURS[e.band] || "#999" }
      };
    });
    traces.push({
      type: "scatter", mode: "markers", name: "relationships", showlegend: false,
      x: edges.map(function (e) { return (at[e.a][0] + at[e.b][0]) / 2; }),
      y: edges.map(function (e) { return (at[e.a][1] + at[e.b][1]) / 2; }),
      customdata: edges.map(function (e) { return "/dyads/" + encodeURIComponent(e.a) + "/" + encodeURIComponent(e.b); }),
      text: edges.map(function (e) {
        return e.a + " – " + e.b + "<br>" + e.events + " events<br>index " +
          e.index.toFixed(2) + " (" + e.band + ")";
      }),
      hoverinfo: "text", marker: { size: 9, color: "rgba(0,0,0,0.25)" }
    });
    var biggest = Math.max.apply(null, nodes.map(function (n) { return n.events; }).concat([1]));
    traces.push({
      type: "scatter", mode: "markers+text", name: "actors", showlegend: false,
      x: nodes.map(function (n) { return at[n.id][0]; }),
      y: nodes.map(function (n) { return at[n.id][1]; }),
      text: nodes.map(function (n) { return n.id; }), textposition: "top center",
      hovertext: nodes.map(function (n) { return n.label + ": " + n.events + " events"; }),
      hoverinfo: "text",
      marker: { size: nodes.map(function (n) { return 12 + 26 * Math.sqrt(n.events / biggest); }),
        color: "#1f5f99", line: { color: "#fff", width: 2 } }
    });
    var axis = { visible: false, range: [-1.3, 1.3] };
    Plotly.newPlot(el, traces, {
      margin: { l: 10, r: 10, t: 10, b: 10 }, xaxis: axis,
      yaxis: Object.assign({ scaleanchor: "x" }, axis), hovermode: "closest"
    }, config).then(function () {
      el.on("plotly_click", function (event) {
        var link = event.points && event.points[0] && event.points[0].customdata;
        if (typeof link === "string") { window.location.href = link; }
      });
    });
  }

  function drawIndex(el, page) {
    var shapes = page.bands.map(function (b) {
      return { type: "rect", xref: "paper", x0: 0, x1: 1, y0: b.low, y1: b.high,
        fillcolor: b.colour, opacity: 0.35, line: { width: 0 }, layer: "below" };
    });
    var labels = page.bands.map(function (b) {
      return { xref: "paper", x: 0.005, y: (b.low + b.high) / 2, text: b.name, showarrow: false,
        xanchor: "left", font: { size: 10, color: "#555" } };
    });
    Plotly.newPlot(el, [{
      type: "scatter", mode: "lines+markers", name: "index",
      x: page.index.map(function (p) { return p.period; }),
      y: page.index.map(function (p) { return p.value; }),
      text: page.index.map(function (p) { return p.band + ", " + p.events + " events"; }),
      hovertemplate: "%{x}: %{y:.2f}<br>%{text}<extra></extra>",
      line: { color: "#17202b", width: 2 }
    }], {
      margin: { l: 40, r: 10, t: 10, b: 40 }, shapes: shapes, annotations: labels,
      yaxis: { range: [-9, 9], zeroline: false, dtick: 3 }, xaxis: DATE_AXIS
    }, config);
  }

  function drawQuads(el, page) {
    var traces = [1, 2, 3, 4].map(function (q) {
      return {
        type: "bar", name: page.quad_classes[String(q)],
        x: page.series.map(function (p) { return p.period; }),
        y: page.series.map(function (p) { return p["q" + q]; }),
        marker: { color: QUAD_COLOURS[q] }
      };
    });
    Plotly.newPlot(el, traces, {
      barmode: "stack", margin: { l: 40, r: 10, t: 10, b: 40 },
      legend: { orientation: "h", y: -0.2 }, xaxis: DATE_AXIS
    }, config);
  }

  var page = document.body.getAttribute("data-page");
  var el;
  if (page === "overview" && (el = document.getElementById("graph"))) { drawGraph(el, data.graph); }
  if (page === "dyad") {
    if ((el = document.getElementById("index"))) { drawIndex(el, data); }
    if ((el = document.getElementById("quads"))) { drawQuads(el, data); }
  }
})();
