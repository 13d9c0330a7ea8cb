/*
 * The demo website's own behaviour: a page call on every page (its category is the body's
 * data-page), and the demo-request form, which identifies the visitor and tracks "Demo Requested".
 */
(function () {
  'use strict';

  var pageName = document.body.getAttribute('data-page');
  var pageSent = window.leadflow.page(pageName).then(function () {
    document.body.setAttribute('data-page-sent', 'true');
  }, function (e) {
    document.body.setAttribute('data-page-sent', 'failed');
    console.error(e);
  });

  var form = document.getElementById('demo-form');
  if (!form) {
    return;
  }
  var status = document.getElementById('form-status');

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var f = form.elements;
    var button = document.getElementById('submit');
    button.disabled = true;
    status.textContent = 'Sending…';
    // a visitor who asks again keeps the id of their first request
    var id = window.leadflow.userId() || window.leadflow.newUserId();
    var traits = {
      email: f.email.value.trim(),
      firstName: f.firstName.value.trim(),
      lastName: f.lastName.value.trim(),
      title: f.title.value.trim(),
      company: {
        name: f.company.value.trim(),
        employees: Number(f.employees.value),
        industry: f.industry.value
      },
      country: f.country.value
    };
    // in order: the job knows who asked (email, fit) when the request arrives, and the page view is sent
    pageSent.then(function () {
      return window.leadflow.identify(id, traits);
    }).then(function () {
      return window.leadflow.track('Demo Requested', { form: 'demo-request' });
    }).then(function () {
      form.hidden = true;
      document.getElementById('thanks-name').textContent = traits.firstName;
      var link = document.getElementById('seller-link');
      if (window.leadflowSite.sellerPage) {
        link.href = window.leadflowSite.sellerPage;
      } else {
        link.parentElement.hidden = true;
      }
      document.getElementById('lead-id').textContent = id;
      document.getElementById('thanks').hidden = false;
      document.getElementById('thanks').focus();
    }, function (e) {
      button.disabled = false;
      status.textContent = 'Could not send the request: ' + e.message;
    });
  });
}());
