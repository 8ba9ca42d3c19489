// The live demo on /features/: the real widget (/widget/widget.js) with the demo workspace config
// (/demo/widgets/fastlead-site-demo/config.json). An external file, not inline: the site's CSP
// (template.yaml, SecurityHeadersPolicy) allows scripts from 'self' only.
(function (w, d) {
  var button = d.getElementById('demo-open');
  w.FastLead = w.FastLead || function () { (w.FastLead.q = w.FastLead.q || []).push(arguments); };
  w.FastLead('init', { widgetId: button.getAttribute('data-widget'), cdnBase: new URL('/demo/', location.href).href });
  var script = d.createElement('script');
  script.async = true;
  script.src = '/widget/widget.js';
  d.head.appendChild(script);
  button.addEventListener('click', function () { w.FastLead('open'); });
})(window, document);
